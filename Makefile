.PHONY: demo test bench setup
demo:
	./run demo
test:
	./run test
bench:
	./run bench
setup:
	./run setup
