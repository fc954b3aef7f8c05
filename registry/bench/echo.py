"""The baseline for ``registry bench awards``: FastAPI at its cheapest, echoing the JSON body.

Served by the same uvicorn, with the same worker count, as the registry in the same run.
"""

from typing import Any

from fastapi import FastAPI

app = FastAPI()


@app.post("/echo", status_code=201)
def echo(body: dict[str, Any]) -> dict[str, Any]:
    return body
