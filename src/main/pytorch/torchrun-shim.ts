/**
 * `python -c TORCHRUN -- <torch.distributed.run's arguments>`: torch's own launcher, run as
 * `python -m torch.distributed.run` would, after one fix. PyTorch 1.13's launcher turns its
 * `--redirects`/`--tee` defaults ("0") into `Std` members by iterating the `Std` flag enum, and
 * since Python 3.11 iterating a flag enum skips its 0 member (`Std.NONE`), so the launcher gets
 * None and fails with "'NoneType' object has no attribute 'get'" before starting any process:
 * Debian 12's python3-torch (1.13 on Python 3.11) cannot launch a multi-process run as it is.
 * Where the launcher is sound (PyTorch 2) the fix changes nothing.
 */
export const TORCHRUN = `import sys
from torch.distributed.elastic.multiprocessing.api import Std
_from_str = Std.from_str.__func__
def _from_str_fixed(cls, value):
    std = _from_str(cls, value)
    if isinstance(std, dict):
        return {rank: Std(0) if s is None else s for rank, s in std.items()}
    return Std(0) if std is None else std
Std.from_str = classmethod(_from_str_fixed)
from torch.distributed.run import main
main()
`
