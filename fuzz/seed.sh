#!/usr/bin/env bash
# Seeds fuzz/corpus/{sse,jsonl,decode}/ from the recorded fixtures of the repository.
#
#   fuzz/seed.sh            # from anywhere; existing corpus files are kept
#
# decode: every JSON fixture as it is, plus each element of the fixtures that are arrays.
# sse:    the recorded event stream, and event streams built from the JSON event fixtures
#         (with LF and CRLF line ends), plus the start and end of the benchmark stream.
# jsonl:  the batch result fixtures as JSON Lines, alone and together, plus the start of the
#         benchmark results file. (The benchmark inputs come from `bench-runtime make-inputs`,
#         which this builds.)
# Seeds are named by their content hash, so running the script again adds nothing twice.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(dirname "$here")"
exec python3 - "$root" "$here/corpus" <<'PY'
import glob, hashlib, json, os, subprocess, sys, tempfile

root, corpus = sys.argv[1], sys.argv[2]
counts = {}

def put(target, data):
    if isinstance(data, str):
        data = data.encode()
    d = os.path.join(corpus, target)
    os.makedirs(d, exist_ok=True)
    path = os.path.join(d, hashlib.sha1(data).hexdigest())
    if not os.path.exists(path):
        with open(path, "wb") as f:
            f.write(data)
        counts[target] = counts.get(target, 0) + 1

def compact(v):
    return json.dumps(v, ensure_ascii=False, separators=(",", ":"))

def sse(events, crlf=False):
    out = []
    for e in events:
        name = e.get("type", "message") if isinstance(e, dict) else "message"
        out.append(f"event: {name}\ndata: {compact(e)}\n\n")
    text = "".join(out)
    return text.replace("\n", "\r\n") if crlf else text

fixtures = sorted(glob.glob(os.path.join(root, "tests/fixtures/json/**/*.json"), recursive=True))
fixtures.append(os.path.join(root, "generated/tests/fixtures/message_stream_message.json"))
for path in fixtures:
    raw = open(path, "rb").read()
    put("decode", raw)
    value = json.loads(raw)
    if isinstance(value, list):
        for item in value:
            put("decode", compact(item))
    else:
        put("decode", compact(value))

# Event streams.
put("sse", open(os.path.join(root, "generated/tests/fixtures/message_stream.sse"), "rb").read())
for name in ["streaming/message_stream", "unknown/stream_events", "streaming/completion_stream",
             "errors/error_responses"]:
    events = json.load(open(os.path.join(root, f"tests/fixtures/json/{name}.json")))
    put("sse", sse(events))
    put("sse", sse(events, crlf=True))
    for e in events:
        put("decode", compact(e))
for name in ["streaming/message_delta_container", "unknown/tag_not_first_event"]:
    put("sse", sse([json.load(open(os.path.join(root, f"tests/fixtures/json/{name}.json")))]))
put("sse", ": comment\nid: 7\nretry: 1500\nevent: ping\ndata: {\"type\":\"ping\"}\n\n")
put("sse", "data: {\"a\":\ndata: 1}\r\n\r\nevent: message_stop\rdata: {\"type\":\"message_stop\"}\r\r")

# Batch results.
results = [compact(json.load(open(p))) for p in
           sorted(glob.glob(os.path.join(root, "tests/fixtures/json/batches/result_*.json")))
           + [os.path.join(root, "tests/fixtures/json/unknown/batch_result.json")]]
for line in results:
    put("jsonl", line + "\n")
put("jsonl", "\n".join(results) + "\n")
put("jsonl", "\r\n".join(results))
put("jsonl", "\n\n".join(results[:2]) + "\n  \nnot json\n")

# The start (and end) of the benchmark inputs, made by the bench crate's own generator.
with tempfile.TemporaryDirectory() as tmp:
    subprocess.run(["cargo", "run", "--quiet", "--manifest-path", os.path.join(root, "Cargo.toml"),
                    "-p", "bench", "--bin", "bench-runtime", "--", "make-inputs", tmp],
                   check=True, stdout=subprocess.DEVNULL)
    events = open(os.path.join(tmp, "stream.sse"), encoding="utf-8").read().split("\n\n")
    put("sse", "\n\n".join(events[:12]) + "\n\n")
    put("sse", "\n\n".join(events[-12:]))
    with open(os.path.join(tmp, "results.jsonl"), encoding="utf-8") as f:
        head = [next(f) for _ in range(8)]
    put("jsonl", "".join(head))

for target in ("sse", "jsonl", "decode"):
    n = len(os.listdir(os.path.join(corpus, target)))
    print(f"{target}: {counts.get(target, 0)} new seed(s), {n} file(s) in corpus/{target}")
PY
