#pragma once
// Force-included into refractome_core in clang fuzz builds. Debian generated ITK 5.2's
// itk_compiler_detection.h for GCC only: with clang it stops at "#error Unsupported compiler".
// Including it once here while posing as GCC 12 (whose feature list clang 14 covers) sets its include
// guard and feature macros; ITK's own later includes of it are then no-ops.
#if defined(__clang__) && __has_include(<itk_compiler_detection.h>)
#pragma push_macro("__clang__")
#pragma push_macro("__GNUC__")
#pragma push_macro("__GNUC_MINOR__")
#undef __clang__
#undef __GNUC__
#undef __GNUC_MINOR__
#define __GNUC__ 12
#define __GNUC_MINOR__ 2
#include <itk_compiler_detection.h>
#pragma pop_macro("__GNUC_MINOR__")
#pragma pop_macro("__GNUC__")
#pragma pop_macro("__clang__")
#endif
