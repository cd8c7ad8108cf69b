import time

MODEL = "claude-sonnet-4-5"


# task: batches
def batch(client, poll):
    questions = ["What is the capital of Australia?", "How many legs does a spider have?"]
    requests = [
        {
            "custom_id": f"q{i}",
            "params": {
                "model": MODEL,
                "max_tokens": 256,
                "messages": [{"role": "user", "content": question}],
            },
        }
        for i, question in enumerate(questions)
    ]
    batch = client.messages.batches.create(requests=requests)
    while batch.processing_status != "ended":
        time.sleep(poll)
        batch = client.messages.batches.retrieve(batch.id)
    answers = []
    for line in client.messages.batches.results(batch.id):
        if line.result.type == "succeeded":
            content = line.result.message.content
            text = "".join(block.text for block in content if block.type == "text")
            answers.append(f"{line.custom_id}: {text}")
    return answers
# end
