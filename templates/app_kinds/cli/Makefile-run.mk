run: image ## Build the image, then run its default command in a throwaway container
	$(DOCKER) run --rm $(IMAGE)

# The development loop of compose.yaml (docs/docker.md, "The development loop"). A command line
# ends when it is done, so `up` waits for it and exits as it did.
up: ## Run the app once in the dev service, built from the dev target
	$(DOCKER) compose up --build --exit-code-from dev

down: ## Remove the dev service's container
	$(DOCKER) compose down

logs: ## Show the output of the dev service's runs
	$(DOCKER) compose logs
