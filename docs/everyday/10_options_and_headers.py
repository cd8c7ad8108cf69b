MODEL = "claude-sonnet-4-5"


# task: per-request options and headers
def options_and_headers(client):
    raw = client.with_options(timeout=20, max_retries=5).messages.with_raw_response.create(
        model=MODEL,
        max_tokens=64,
        messages=[{"role": "user", "content": "Good morning in Spanish?"}],
        extra_headers={"x-trace-id": "everyday-10"},
    )
    message = raw.parse()
    left = raw.headers.get("anthropic-ratelimit-requests-remaining")
    text = "".join(block.text for block in message.content if block.type == "text")
    return f"{text} (request {raw.headers.get('request-id')}, {left} requests left)"
# end
