MODEL = "claude-sonnet-4-5"


# task: chat
def chat(client):
    message = client.messages.create(
        model=MODEL,
        max_tokens=1024,
        messages=[{"role": "user", "content": "What is the capital of Australia?"}],
    )
    return "".join(block.text for block in message.content if block.type == "text")
# end
