#!/usr/bin/env python3
"""The official Anthropic Python SDK running the jobs of `cargo xtask bench runtime`.

    python_sdk.py PORT JOB

JOB is one of:

    noop     import the SDK and build a client, send nothing (start-up cost)
    stream   one streamed message; prints the number of blocks, the lengths of the text and
             of the thinking, and len(str(tool input))
    message  fifty messages, not streamed; prints the number of blocks of the last one
    results  the results of one batch; prints how many there are and how many succeeded

The server is `bench-runtime serve DIR` on 127.0.0.1:PORT. `bench-runtime PORT JOB` does the
same work with the generated Rust client and must print the same line.
"""

import sys

import anthropic

MODEL = "claude-sonnet-4-5"


def params():
    return {
        "model": MODEL,
        "max_tokens": 1024,
        "messages": [{"role": "user", "content": "hi"}],
    }


def run_stream(client):
    with client.messages.stream(**params()) as events:
        final = events.get_final_message()
    thinking, text, tool = final.content[0], final.content[1], final.content[2]
    return [len(final.content), len(text.text), len(thinking.thinking), len(str(tool.input))]


def run_message(client):
    blocks = 0
    for _ in range(50):
        blocks = len(client.messages.create(**params()).content)
    return [blocks]


def run_results(client):
    total = succeeded = 0
    for item in client.messages.batches.results("msgbatch_bench"):
        total += 1
        if item.result.type == "succeeded":
            succeeded += 1
    return [total, succeeded]


JOBS = {
    "noop": lambda client: None,
    "stream": run_stream,
    "message": run_message,
    "results": run_results,
}


def main(argv):
    if len(argv) != 3 or argv[2] not in JOBS:
        sys.exit(f"usage: {argv[0]} PORT {'|'.join(JOBS)}")
    client = anthropic.Anthropic(
        api_key="k", base_url=f"http://127.0.0.1:{int(argv[1])}", max_retries=0
    )
    line = JOBS[argv[2]](client)
    if line is not None:
        print(" ".join(str(n) for n in line))


if __name__ == "__main__":
    main(sys.argv)
