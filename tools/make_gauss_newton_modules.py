"""Writes the TorchScript helpers prune4j uses for Gauss-Newton products (SOSP).

For a cross-entropy loss on logits z(θ) of N examples, the Gauss-Newton matrix is
G = (1/N) Σ_n J_nᵀ R_n J_n, J_n = ∂z_n/∂θ, R_n = diag(p_n) − p_n p_nᵀ (the softmax Hessian).
Products with J come from reverse mode alone: g(w) = Jᵀw is linear in a dummy w, so
J v = ∂(g(w)·v)/∂w (the "double-backward trick"). Run with Debian's python3-torch (1.13);
libtorch 2.7.1 in DJL loads the files:

    /usr/bin/python3 tools/make_gauss_newton_modules.py prune4j-core/src/main/resources/org/prune4j/engine
"""
import os
import sys
from typing import List, Optional, Tuple

import torch


def _transposed_jacobian_of(logits: torch.Tensor, params: List[torch.Tensor]
                            ) -> Tuple[torch.Tensor, List[Optional[torch.Tensor]]]:
    """(w, Jᵀw) with the graph kept, so that J·v can be taken through w."""
    w = torch.zeros_like(logits).requires_grad_(True)
    seed: List[Optional[torch.Tensor]] = [w]
    jtw = torch.autograd.grad([logits], params, grad_outputs=seed, create_graph=True, allow_unused=True)
    return w, jtw


class GaussNewtonVector(torch.nn.Module):
    """G·v written into caller-owned tensors (outs), so no result tensor crosses back into Java."""

    def forward(self, logits: torch.Tensor, params: List[torch.Tensor], vectors: List[torch.Tensor],
                outs: List[torch.Tensor]) -> torch.Tensor:
        w, jtw = _transposed_jacobian_of(logits, params)
        dot = torch.zeros([], dtype=logits.dtype)
        for g, v in zip(jtw, vectors):
            if g is not None:
                dot = dot + (g * v).sum()
        jv = torch.autograd.grad([dot], [w], allow_unused=True)[0]
        if jv is None:
            jv = torch.zeros_like(logits)
        p = torch.softmax(logits.detach(), 1)
        r: List[Optional[torch.Tensor]] = [(p * jv - p * (p * jv).sum(1, keepdim=True)) / logits.shape[0]]
        gv = torch.autograd.grad([logits], params, grad_outputs=r, allow_unused=True)
        with torch.no_grad():
            for h, o in zip(gv, outs):
                if h is None:
                    o.zero_()
                else:
                    o.copy_(h)
        return dot.detach()


class JacobianVectors(torch.nn.Module):
    """J·v for S directions at once: directions[i] is (S, numel of params[i]); outs[0] is (S, N, C)."""

    def forward(self, logits: torch.Tensor, params: List[torch.Tensor], directions: List[torch.Tensor],
                outs: List[torch.Tensor]) -> torch.Tensor:
        out = outs[0]
        w, jtw = _transposed_jacobian_of(logits, params)
        flat: List[torch.Tensor] = []
        used: List[int] = []
        for i in range(len(jtw)):
            g = jtw[i]
            if g is not None:
                flat.append(g.reshape(-1))
                used.append(i)
        count = out.shape[0]
        for s in range(count):
            dot = torch.zeros([], dtype=logits.dtype)
            for j in range(len(flat)):
                dot = dot + (flat[j] * directions[used[j]][s]).sum()
            jv = torch.autograd.grad([dot], [w], retain_graph=True, allow_unused=True)[0]
            with torch.no_grad():
                if jv is None:
                    out[s].zero_()
                else:
                    out[s].copy_(jv)
        return torch.zeros([], dtype=logits.dtype)


if __name__ == "__main__":
    torch.jit.script(GaussNewtonVector()).save(os.path.join(sys.argv[1], "gauss_newton_vector.pt"))
    torch.jit.script(JacobianVectors()).save(os.path.join(sys.argv[1], "jacobian_vectors.pt"))
