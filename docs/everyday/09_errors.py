import anthropic


# task: errors
def errors(client):
    try:
        message = client.messages.create(
            model="gpt-none", max_tokens=64, messages=[{"role": "user", "content": "Hello"}]
        )
        return "".join(block.text for block in message.content if block.type == "text")
    except anthropic.NotFoundError as error:
        return f"no such model (request {error.response.headers.get('request-id')})"
    except (anthropic.RateLimitError, anthropic.InternalServerError) as error:
        return f"busy, retry in {error.response.headers.get('retry-after')} s"
# end
