# task: models
def models(client):
    all_models = list(client.models.list())
    newest = client.models.retrieve(all_models[0].id)
    print(f"newest: {newest.display_name} ({newest.max_input_tokens or 0} tokens in)")
    return [model.id for model in all_models]
# end
