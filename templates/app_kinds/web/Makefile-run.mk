# The server in a throwaway container, built from the current source first, published on
# http://localhost:8000 (Ctrl+C stops it).
run: image
	docker run --rm -p 8000:8000 $(IMAGE)
