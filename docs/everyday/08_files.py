MODEL = "claude-sonnet-4-5"


# task: files
def files(client, folder):
    with open(folder / "report.pdf", "rb") as pdf:
        file = client.beta.files.upload(file=("report.pdf", pdf, "application/pdf"))
    message = client.beta.messages.create(
        model=MODEL,
        max_tokens=1024,
        betas=["files-api-2025-04-14"],
        messages=[
            {
                "role": "user",
                "content": [
                    {"type": "document", "source": {"type": "file", "file_id": file.id}},
                    {"type": "text", "text": "Summarize this report."},
                ],
            }
        ],
    )
    client.beta.files.delete(file.id)
    return "".join(block.text for block in message.content if block.type == "text")
# end
