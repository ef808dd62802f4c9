#pragma once
// Ogg Theora video from RGB frames, through libtheora and libogg directly. VTK 9.1's
// vtkOggTheoraWriter cannot be used for this: it keeps the first movie's row stride in
// function-local statics (a second movie of another width in the same process is garbled and
// read out of bounds) and crashes when a movie is ended before its first frame (a cancel).
#include <cstdio>
#include <memory>
#include <string>

namespace rfx::render {

class OggTheoraEncoder {
public:
    // Opens path for writing and writes the stream headers; width and height must be even.
    // Throws std::runtime_error when the file cannot be written or the codec refuses the format.
    OggTheoraEncoder(const std::string& path, int width, int height, int fps);
    ~OggTheoraEncoder();
    OggTheoraEncoder(const OggTheoraEncoder&) = delete;
    OggTheoraEncoder& operator=(const OggTheoraEncoder&) = delete;

    // One frame of width*height*3 bytes, rows top-down, RGB.
    void addFrame(const unsigned char* rgb);
    // Encodes the last frame with the end-of-stream mark and closes the file.
    void finish();
    // Closes the file without finishing the stream (the caller removes it).
    void abandon();

private:
    void encodePending(bool last);
    void writePages(bool flush);
    void write(const unsigned char* data, long n);

    struct Codec;
    std::unique_ptr<Codec> codec_;
    std::string path_;
    std::FILE* file_ = nullptr;
    int width_, height_;
    bool pending_ = false;  // a converted frame waits: the last one must carry end-of-stream
};

} // namespace rfx::render
