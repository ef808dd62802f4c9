#pragma once
// Writes the frames of a render window as a movie: *.mp4 (H.264) through the ffmpeg program
// when it is on PATH, *.ogv (Ogg Theora) through libtheora (Debian's VTK has no IOFFMPEG, and its Theora
// writer is unusable: see OggTheoraEncoder.h).
// Atomic like every output: frames go to a temporary beside the destination, renamed by
// finish(); destroying an unfinished writer (cancel, error) leaves nothing behind.
#include <memory>
#include <string>

class vtkRenderWindow;

namespace rfx::render {

class MovieWriter {
public:
    // Throws InputError for an unsupported extension, an .mp4 without ffmpeg or an odd size
    // (4:2:0 video needs even width and height); std::runtime_error when the encoder cannot start.
    MovieWriter(const std::string& path, int width, int height, double fps);
    ~MovieWriter();
    MovieWriter(const MovieWriter&) = delete;
    MovieWriter& operator=(const MovieWriter&) = delete;

    // Grabs the window's back buffer (after a Render) as the next frame; it must have the movie's size.
    void addFrame(vtkRenderWindow* window);
    // Flushes the encoder and renames the temporary onto the destination.
    void finish();
    int framesWritten() const;

    // The checks of the constructor without starting anything, for validating options up front.
    static void checkSupported(const std::string& path, int width, int height, double fps);
    // The ffmpeg program on PATH, or empty.
    static std::string findFfmpeg();

private:
    class Encoder;
    std::unique_ptr<Encoder> encoder_;
};

} // namespace rfx::render
