// The cos that schedules use: the C library's, as Python's math.cos in PyTorch's schedulers. V8's
// Math.cos (fdlibm) rounds differently from glibc's in about 3 of 100 arguments here, which would
// put the lr one ulp off PyTorch's.
import { callNative } from '../../native';

export const cos = (x: number): number => callNative('libmCos', [x]);
