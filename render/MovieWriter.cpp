#include "render/MovieWriter.h"

#include <algorithm>
#include <cerrno>
#include <cmath>
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <sstream>
#include <stdexcept>
#include <vector>

#include <fcntl.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <vtkImageData.h>
#include <vtkPointData.h>
#include <vtkRenderWindow.h>
#include <vtkSmartPointer.h>
#include <vtkUnsignedCharArray.h>
#include <vtkWindowToImageFilter.h>

#include "core/io/AtomicFile.h"
#include "core/util/Errors.h"
#include "render/OggTheoraEncoder.h"

extern char** environ;

namespace rfx::render {

namespace {

std::string lowerExtension(const std::string& path)
{
    std::string ext = std::filesystem::path(path).extension().string();
    std::transform(ext.begin(), ext.end(), ext.begin(), [](unsigned char c) { return std::tolower(c); });
    return ext;
}

bool isMp4(const std::string& path) { return lowerExtension(path) == ".mp4"; }

// Writes all of buf to a pipe. SIGPIPE is blocked while writing so that an encoder that died
// gives EPIPE (reported as an error) instead of killing the whole program.
bool writeAll(int fd, const unsigned char* buf, std::size_t n)
{
    sigset_t pipeSet, old;
    sigemptyset(&pipeSet);
    sigaddset(&pipeSet, SIGPIPE);
    pthread_sigmask(SIG_BLOCK, &pipeSet, &old);
    bool ok = true;
    while (n > 0) {
        const ssize_t w = ::write(fd, buf, n);
        if (w < 0) {
            if (errno == EINTR)
                continue;
            ok = false;
            break;
        }
        buf += w;
        n -= static_cast<std::size_t>(w);
    }
    if (!ok) {
        // Consume the SIGPIPE this thread raised so unblocking does not deliver it.
        timespec zero{0, 0};
        sigtimedwait(&pipeSet, nullptr, &zero);
    }
    pthread_sigmask(SIG_SETMASK, &old, nullptr);
    return ok;
}

} // namespace

// One of the two encoders: an ffmpeg child process fed raw RGB through a pipe, or libtheora.
class MovieWriter::Encoder {
public:
    AtomicFile out;
    int width, height;
    int frames = 0;
    bool finished = false;
    // ffmpeg
    pid_t child = -1;
    int pipeFd = -1;
    FILE* errLog = nullptr;  // ffmpeg's stderr, quoted when it fails
    std::unique_ptr<OggTheoraEncoder> theora;

    Encoder(const std::string& path, int w, int h) : out(path), width(w), height(h) {}

    ~Encoder()
    {
        if (!finished)
            abort();
    }

    void abort()
    {
        if (pipeFd >= 0) {
            ::close(pipeFd);
            pipeFd = -1;
        }
        if (child > 0) {
            ::kill(child, SIGTERM);
            int status = 0;
            ::waitpid(child, &status, 0);
            child = -1;
        }
        if (errLog) {
            std::fclose(errLog);
            errLog = nullptr;
        }
        if (theora) {
            theora->abandon();  // closes the file; AtomicFile then removes it
            theora = nullptr;
        }
        out.discard();
    }

    std::string ffmpegErrors()
    {
        if (!errLog)
            return {};
        std::fflush(errLog);
        std::rewind(errLog);
        std::string text, line;
        char buf[512];
        while (std::fgets(buf, sizeof buf, errLog)) {
            line = buf;
            while (!line.empty() && (line.back() == '\n' || line.back() == '\r'))
                line.pop_back();
            if (!line.empty())
                text = line;  // the last message says why
        }
        return text;
    }
};

std::string MovieWriter::findFfmpeg()
{
    const char* path = std::getenv("PATH");
    std::stringstream dirs(path ? path : "/usr/bin:/bin");
    std::string dir;
    while (std::getline(dirs, dir, ':')) {
        if (dir.empty())
            continue;
        const std::string candidate = dir + "/ffmpeg";
        if (::access(candidate.c_str(), X_OK) == 0)
            return candidate;
    }
    return {};
}

void MovieWriter::checkSupported(const std::string& path, int width, int height, double fps)
{
    const std::string ext = lowerExtension(path);
    if (ext != ".mp4" && ext != ".ogv" && ext != ".ogg")
        throw InputError(path + ": movies are written as *.mp4 (needs the ffmpeg program) or *.ogv (Ogg Theora)");
    if (ext == ".mp4" && findFfmpeg().empty())
        throw InputError(path + ": MP4 needs the ffmpeg program, which is not installed (apt install ffmpeg); "
                                "name the output *.ogv for an Ogg Theora movie instead");
    if (width < 16 || height < 16 || width % 2 || height % 2)
        throw InputError("movie size " + std::to_string(width) + "x" + std::to_string(height) +
                         ": width and height must be even numbers of at least 16");
    if (!(fps >= 1 && fps <= 120))
        throw InputError("movie frame rate must be between 1 and 120 frames per second");
}

MovieWriter::MovieWriter(const std::string& path, int width, int height, double fps)
{
    checkSupported(path, width, height, fps);
    checkWritableDestination(path);
    encoder_ = std::make_unique<Encoder>(path, width, height);
    Encoder& e = *encoder_;
    if (!isMp4(path)) {
        e.theora = std::make_unique<OggTheoraEncoder>(e.out.tempPath(), width, height,
                                                      std::max(1, static_cast<int>(std::lround(fps))));
        return;
    }
    const std::string ffmpeg = findFfmpeg();
    int fds[2];
    if (::pipe2(fds, O_CLOEXEC) != 0)
        throw std::runtime_error(path + ": cannot open a pipe to ffmpeg: " + std::strerror(errno));
    e.errLog = std::tmpfile();
    std::ostringstream size, rate;
    size << width << "x" << height;
    rate << fps;
    std::vector<std::string> args = {ffmpeg, "-hide_banner", "-nostdin", "-loglevel", "error", "-y",
                                     "-f", "rawvideo", "-pix_fmt", "rgb24", "-s", size.str(), "-r", rate.str(),
                                     "-i", "pipe:0", "-an", "-c:v", "libx264", "-pix_fmt", "yuv420p",
                                     "-crf", "18", "-movflags", "+faststart", "-f", "mp4", e.out.tempPath()};
    std::vector<char*> argv;
    for (auto& a : args)
        argv.push_back(a.data());
    argv.push_back(nullptr);
    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    posix_spawn_file_actions_adddup2(&actions, fds[0], 0);
    posix_spawn_file_actions_addopen(&actions, 1, "/dev/null", O_WRONLY, 0);
    if (e.errLog)
        posix_spawn_file_actions_adddup2(&actions, fileno(e.errLog), 2);
    // Its own process group: a terminal's Ctrl-C goes to us alone, and our cancel (not a dead
    // encoder) decides what happens to the movie.
    posix_spawnattr_t attr;
    posix_spawnattr_init(&attr);
    posix_spawnattr_setflags(&attr, POSIX_SPAWN_SETPGROUP);
    posix_spawnattr_setpgroup(&attr, 0);
    const int rc = ::posix_spawn(&e.child, ffmpeg.c_str(), &actions, &attr, argv.data(), environ);
    posix_spawnattr_destroy(&attr);
    posix_spawn_file_actions_destroy(&actions);
    ::close(fds[0]);
    if (rc != 0) {
        ::close(fds[1]);
        e.child = -1;
        throw std::runtime_error(path + ": cannot run " + ffmpeg + ": " + std::strerror(rc));
    }
    e.pipeFd = fds[1];
}

MovieWriter::~MovieWriter() = default;

int MovieWriter::framesWritten() const { return encoder_ ? encoder_->frames : 0; }

void MovieWriter::addFrame(vtkRenderWindow* window)
{
    Encoder& e = *encoder_;
    auto grab = vtkSmartPointer<vtkWindowToImageFilter>::New();
    grab->SetInput(window);
    grab->SetInputBufferTypeToRGB();
    grab->ReadFrontBufferOff();
    grab->Update();
    vtkImageData* img = grab->GetOutput();
    int d[3];
    img->GetDimensions(d);
    auto* rgb = vtkUnsignedCharArray::SafeDownCast(img->GetPointData()->GetScalars());
    if (d[0] != e.width || d[1] != e.height || !rgb || rgb->GetNumberOfComponents() != 3)
        throw std::runtime_error("movie frame is " + std::to_string(d[0]) + "x" + std::to_string(d[1]) + ", expected " +
                                 std::to_string(e.width) + "x" + std::to_string(e.height));
    const std::size_t row = static_cast<std::size_t>(e.width) * 3;
    const unsigned char* src = rgb->GetPointer(0);
    // VTK's rows run bottom-up, video top-down.
    std::vector<unsigned char> flipped(row * static_cast<std::size_t>(e.height));
    for (int y = 0; y < e.height; ++y)
        std::memcpy(flipped.data() + static_cast<std::size_t>(y) * row, src + static_cast<std::size_t>(e.height - 1 - y) * row,
                    row);
    if (e.theora) {
        e.theora->addFrame(flipped.data());
    } else {
        if (!writeAll(e.pipeFd, flipped.data(), flipped.size())) {
            const std::string why = e.ffmpegErrors();
            throw std::runtime_error(e.out.finalPath() + ": ffmpeg stopped" + (why.empty() ? "" : ": " + why));
        }
    }
    ++e.frames;
}

void MovieWriter::finish()
{
    Encoder& e = *encoder_;
    if (e.frames == 0)
        throw std::runtime_error(e.out.finalPath() + ": no frames to write");
    if (e.theora) {
        e.theora->finish();
        e.theora = nullptr;
    } else {
        ::close(e.pipeFd);
        e.pipeFd = -1;
        int status = 0;
        while (::waitpid(e.child, &status, 0) < 0 && errno == EINTR) {
        }
        e.child = -1;
        if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
            const std::string why = e.ffmpegErrors();
            throw std::runtime_error(e.out.finalPath() + ": ffmpeg failed" + (why.empty() ? "" : ": " + why));
        }
        std::fclose(e.errLog);
        e.errLog = nullptr;
    }
    e.out.commit();
    e.finished = true;
}

} // namespace rfx::render
