# The default command in a throwaway container, built from the current source first.
run: image
	docker run --rm $(IMAGE)
