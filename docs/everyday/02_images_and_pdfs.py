import base64

MODEL = "claude-sonnet-4-5"


# task: images and PDFs
def image_and_pdf(client, folder):
    image = base64.standard_b64encode((folder / "chart.png").read_bytes()).decode()
    pdf = base64.standard_b64encode((folder / "report.pdf").read_bytes()).decode()
    message = client.messages.create(
        model=MODEL,
        max_tokens=1024,
        messages=[
            {
                "role": "user",
                "content": [
                    {
                        "type": "image",
                        "source": {"type": "base64", "media_type": "image/png", "data": image},
                    },
                    {
                        "type": "document",
                        "source": {"type": "base64", "media_type": "application/pdf", "data": pdf},
                    },
                    {"type": "text", "text": "Does the chart match the report?"},
                ],
            }
        ],
    )
    return "".join(block.text for block in message.content if block.type == "text")
# end
