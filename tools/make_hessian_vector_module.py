"""Writes the TorchScript helper prune4j uses for Hessian-vector products (GraSP).

DJL's autograd has no create_graph backward that does not leak; this module calls
torch.autograd.grad twice inside libtorch. Run with Debian's python3-torch (1.13); libtorch 2.7.1
in DJL loads the file:

    /usr/bin/python3 tools/make_hessian_vector_module.py \
        prune4j-core/src/main/resources/org/prune4j/engine/hessian_vector.pt
"""
import sys
from typing import List

import torch


class HessianVector(torch.nn.Module):
    """H·v written into caller-owned tensors (outs), so no result tensor crosses back into Java."""

    def forward(self, loss: torch.Tensor, params: List[torch.Tensor], vectors: List[torch.Tensor],
                outs: List[torch.Tensor]) -> torch.Tensor:
        grads = torch.autograd.grad([loss], params, create_graph=True)
        dot = torch.zeros([], dtype=loss.dtype)
        for g, v in zip(grads, vectors):
            if g is not None:
                dot = dot + (g * v).sum()
        hvp = torch.autograd.grad([dot], params, allow_unused=True)
        with torch.no_grad():
            for h, o in zip(hvp, outs):
                if h is None:
                    o.zero_()
                else:
                    o.copy_(h)
        return dot.detach()


if __name__ == "__main__":
    torch.jit.script(HessianVector()).save(sys.argv[1])
