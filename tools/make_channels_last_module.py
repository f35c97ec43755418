"""Writes the TorchScript helper prune4j uses to switch a tensor to channels-last memory.

DJL's API has no memory-format call; this one-method module gives it one. Run with Debian's
python3-torch (1.13); libtorch 2.7.1 in DJL loads the file:

    /usr/bin/python3 tools/make_channels_last_module.py \
        prune4j-core/src/main/resources/org/prune4j/engine/channels_last.pt
"""
import sys

import torch


class ChannelsLast(torch.nn.Module):
    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return x.contiguous(memory_format=torch.channels_last)


if __name__ == "__main__":
    torch.jit.script(ChannelsLast()).save(sys.argv[1])
