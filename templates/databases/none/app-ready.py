@router.api_route("/ready", methods=["GET", "HEAD"])
def ready() -> dict[str, str]:
    """Readiness: whether this instance should get traffic. Check the app's dependencies here
    (database, queues, other services) and answer 503 while one is unavailable, e.g. with
    `raise HTTPException(status_code=503, detail="database unavailable")`: the orchestrator then
    sends requests elsewhere until it recovers, without restarting anything."""
    return {"status": "ready"}
