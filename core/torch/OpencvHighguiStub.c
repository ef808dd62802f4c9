/* Intentionally empty: stands in for libopencv_highgui.so.406, which Debian's libtorch_cpu lists
   as needed but never uses (no symbol is referenced). The real one links Qt 5, which must never
   load next to Qt 6. See cmake/RefractomeDependencies.cmake. */
int refractome_opencv_highgui_stub_marker(void) { return 0; }
