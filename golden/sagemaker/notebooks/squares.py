"""A helper module the notebook imports (an additional dependency of the job)."""


def square(n: int) -> int:
    return n * n
