MODEL = "claude-sonnet-4-5"


# task: token counting
def count_tokens(client):
    count = client.messages.count_tokens(
        model=MODEL,
        system="Be brief.",
        messages=[{"role": "user", "content": "Summarize the plot of Hamlet."}],
    )
    return count.input_tokens
# end
