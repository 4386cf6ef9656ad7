def tenant(request):
    return {"account": getattr(request, "account", None)}
