@router.api_route("/ready", methods=["GET", "HEAD"])
def ready(request: Request) -> dict[str, str]:
    """Readiness: whether this instance should get traffic. 503 with a short reason while the
    database does not answer: the orchestrator sends requests elsewhere until it does, without
    restarting anything. Add checks of the app's other dependencies (queues, services) here."""
    database.check(request.app.state.engine)
    return {"status": "ready"}
