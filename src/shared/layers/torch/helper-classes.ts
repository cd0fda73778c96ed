/**
 * Classes model.py defines when a layer needs one (a fragment's `helpers`): PyTorch has no single
 * module for them. Written as a person would, with the state-dict keys they give in comments.
 */
export const HELPER_CLASSES = {
  // Keys: depthwise.weight, pointwise.weight, pointwise.bias.
  SeparableConv2d: `class SeparableConv2d(nn.Module):
    """A depthwise convolution, then a 1×1 pointwise one with the bias (Keras' SeparableConv2D)."""

    def __init__(self, in_channels: int, out_channels: int, kernel_size, stride=1, padding=0,
                 dilation=1, depth_multiplier: int = 1, bias: bool = True):
        super().__init__()
        mid = in_channels * depth_multiplier
        self.depthwise = nn.Conv2d(in_channels, mid, kernel_size, stride=stride, padding=padding,
                                   dilation=dilation, groups=in_channels, bias=False)
        self.pointwise = nn.Conv2d(mid, out_channels, 1, bias=bias)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.pointwise(self.depthwise(x))
`,
} as const

export type HelperClass = keyof typeof HELPER_CLASSES
