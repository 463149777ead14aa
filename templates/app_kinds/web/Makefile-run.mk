# Published on http://localhost:8000; Ctrl+C stops it.
run: image ## Build the image, then serve it in a throwaway container on port 8000
	$(DOCKER) run --rm -p 8000:8000 $(IMAGE)

# The development loop of compose.yaml (docs/docker.md, "The development loop"). `up` returns
# once the service answers its health check; `docker compose watch` then follows your edits.
up: ## Start the dev service in the background, built from the dev target, on 127.0.0.1:8000
	$(DOCKER) compose up --build --wait

# Named volumes (a database's data) outlive `down`: `docker compose down -v` deletes them too.
down: ## Stop the dev services and remove their containers; named volumes stay
	$(DOCKER) compose down

logs: ## Follow the dev service's logs (Ctrl+C stops following)
	$(DOCKER) compose logs --follow
