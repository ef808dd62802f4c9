// Links LibTorch without the opencv_highgui stub: ldd must show Qt 5, proving the
// no-Qt-5 check can fail. Never shipped.
#include <ATen/Parallel.h>
int main() { return at::get_num_threads() > 0 ? 0 : 1; }
