MODEL = "claude-sonnet-4-5"


# task: tools
def tools(client):
    weather = {
        "name": "get_weather",
        "description": "The weather in a city now",
        "input_schema": {
            "type": "object",
            "properties": {"location": {"type": "string", "description": "A city"}},
            "required": ["location"],
        },
    }
    messages = [{"role": "user", "content": "What is the weather in Paris?"}]
    reply = client.messages.create(model=MODEL, max_tokens=1024, tools=[weather], messages=messages)
    results = []
    for block in reply.content:
        if block.type != "tool_use":
            continue
        location = block.input.get("location")
        if isinstance(location, str):
            result = {"type": "tool_result", "tool_use_id": block.id, "content": f"Sunny in {location}"}
        else:
            result = {"type": "tool_result", "tool_use_id": block.id, "is_error": True,
                      "content": "input.location: expected a string"}
        results.append(result)
    messages += [{"role": "assistant", "content": reply.content}, {"role": "user", "content": results}]
    final = client.messages.create(model=MODEL, max_tokens=1024, tools=[weather], messages=messages)
    return "".join(block.text for block in final.content if block.type == "text")
# end
