MODEL = "claude-sonnet-4-5"


# task: streaming with thinking
def stream_with_thinking(client):
    with client.messages.stream(
        model=MODEL,
        max_tokens=4096,
        thinking={"type": "enabled", "budget_tokens": 2048},
        messages=[{"role": "user", "content": "How many legs does a spider have?"}],
    ) as stream:
        for event in stream:
            if event.type == "thinking":
                print(event.thinking, end="")
            elif event.type == "text":
                print(event.text, end="")
        message = stream.get_final_message()
    return message.usage.output_tokens
# end
