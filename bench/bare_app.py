"""The baseline: a bare FastAPI endpoint returning a constant, served like the real app."""

from fastapi import FastAPI

app = FastAPI()


@app.get("/const")
def const() -> dict[str, str]:
    return {"status": "ok"}
