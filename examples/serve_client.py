import os

from openai import OpenAI

# `t2l-edge serve` listens on http://127.0.0.1:8080; without --api-key any key is accepted.
client = OpenAI(base_url=os.environ.get("T2L_EDGE_URL", "http://127.0.0.1:8080/v1"), api_key="none")
base = client.models.list().data[0].id  # the base model, e.g. gemma-3-270m-q4_k_m
reply = client.completions.create(
    model=base, prompt="red fox jumps", max_tokens=16,
    extra_body={"task": "Reverse the order of the words."},  # the adapter is made from the task; greedy, as apply
)
print(reply.choices[0].text.strip())
print(reply.model_extra["t2l"])  # the adapter's id, cache hit or miss, time per phase in ms
