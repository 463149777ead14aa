
    database.attach(app, app.state.settings)
    app.include_router(items.router)