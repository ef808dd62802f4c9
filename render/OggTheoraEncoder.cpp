#include "render/OggTheoraEncoder.h"

#include <algorithm>
#include <cerrno>
#include <cmath>
#include <cstring>
#include <random>
#include <stdexcept>

#include <ogg/ogg.h>
#include <theora/theoraenc.h>

namespace rfx::render {

struct OggTheoraEncoder::Codec {
    th_enc_ctx* encoder = nullptr;
    ogg_stream_state stream{};
    bool streamReady = false;
    th_ycbcr_buffer planes{};
    std::vector<unsigned char> y, cb, cr;

    ~Codec()
    {
        if (encoder)
            th_encode_free(encoder);
        if (streamReady)
            ogg_stream_clear(&stream);
    }
};

namespace {

unsigned char clampByte(double v) { return static_cast<unsigned char>(std::clamp(std::lround(v), 0L, 255L)); }

} // namespace

OggTheoraEncoder::OggTheoraEncoder(const std::string& path, int width, int height, int fps)
    : codec_(std::make_unique<Codec>()), path_(path), width_(width), height_(height)
{
    if (width <= 0 || height <= 0 || width % 2 || height % 2)
        throw std::runtime_error(path + ": Ogg Theora needs an even width and height");
    Codec& c = *codec_;
    th_info info;
    th_info_init(&info);
    // Theora codes whole 16x16 macroblocks; the picture sits at the top-left of the frame.
    info.frame_width = static_cast<ogg_uint32_t>((width + 15) & ~15);
    info.frame_height = static_cast<ogg_uint32_t>((height + 15) & ~15);
    info.pic_width = static_cast<ogg_uint32_t>(width);
    info.pic_height = static_cast<ogg_uint32_t>(height);
    info.pic_x = 0;
    info.pic_y = 0;
    info.colorspace = TH_CS_ITU_REC_470BG;
    info.pixel_fmt = TH_PF_420;
    info.target_bitrate = 0;  // constant quality
    info.quality = 56;        // of 0..63: sharp enough for fine structures, a few MB a minute
    info.keyframe_granule_shift = 6;
    info.fps_numerator = static_cast<ogg_uint32_t>(std::max(1, fps));
    info.fps_denominator = 1;
    info.aspect_numerator = 1;
    info.aspect_denominator = 1;
    c.encoder = th_encode_alloc(&info);
    const int fw = static_cast<int>(info.frame_width), fh = static_cast<int>(info.frame_height);
    th_info_clear(&info);
    if (!c.encoder)
        throw std::runtime_error(path + ": the Theora codec refused a " + std::to_string(width) + "x" +
                                 std::to_string(height) + " movie");

    // Black padding: video-range luma 16, neutral chroma 128.
    c.y.assign(static_cast<std::size_t>(fw) * fh, 16);
    c.cb.assign(static_cast<std::size_t>(fw / 2) * (fh / 2), 128);
    c.cr.assign(c.cb.size(), 128);
    c.planes[0] = {fw, fh, fw, c.y.data()};
    c.planes[1] = {fw / 2, fh / 2, fw / 2, c.cb.data()};
    c.planes[2] = {fw / 2, fh / 2, fw / 2, c.cr.data()};

    // Ogg streams are told apart by a serial number; a random one as the format expects.
    std::random_device rd;
    if (ogg_stream_init(&c.stream, static_cast<int>(rd() & 0x7fffffff)) != 0)
        throw std::runtime_error(path + ": cannot start the Ogg stream");
    c.streamReady = true;

    file_ = std::fopen(path.c_str(), "wb");
    if (!file_)
        throw std::runtime_error(path + ": cannot write: " + std::strerror(errno));

    // The first header packet alone on the first page, then the others, flushed so that video
    // data starts on a page of its own (Theora's Ogg mapping asks for both).
    th_comment comment;
    th_comment_init(&comment);
    try {
        ogg_packet packet;
        bool first = true;
        int r;
        while ((r = th_encode_flushheader(c.encoder, &comment, &packet)) > 0) {
            ogg_stream_packetin(&c.stream, &packet);
            if (first) {
                writePages(true);
                first = false;
            }
        }
        if (r < 0)
            throw std::runtime_error(path + ": the Theora codec could not write its headers");
        writePages(true);
    } catch (...) {
        th_comment_clear(&comment);
        abandon();  // no destructor runs for a constructor that throws
        throw;
    }
    th_comment_clear(&comment);
}

OggTheoraEncoder::~OggTheoraEncoder() { abandon(); }

void OggTheoraEncoder::addFrame(const unsigned char* rgb)
{
    if (pending_)
        encodePending(false);
    Codec& c = *codec_;
    const int stride = static_cast<int>(c.planes[0].stride), cstride = static_cast<int>(c.planes[1].stride);
    // BT.601 video range, as Theora's 470BG colour space expects; chroma is the mean of each 2x2 block.
    for (int yy = 0; yy < height_; ++yy) {
        const unsigned char* row = rgb + static_cast<std::size_t>(yy) * width_ * 3;
        for (int x = 0; x < width_; ++x) {
            const double luma = 0.299 * row[3 * x] + 0.587 * row[3 * x + 1] + 0.114 * row[3 * x + 2];
            c.y[static_cast<std::size_t>(yy) * stride + x] = clampByte(16.0 + luma * 219.0 / 255.0);
        }
    }
    for (int yy = 0; yy < height_; yy += 2) {
        const unsigned char* r0 = rgb + static_cast<std::size_t>(yy) * width_ * 3;
        const unsigned char* r1 = r0 + static_cast<std::size_t>(width_) * 3;
        for (int x = 0; x < width_; x += 2) {
            double s[3];
            for (int k = 0; k < 3; ++k)
                s[k] = 0.25 * (r0[3 * x + k] + r0[3 * x + 3 + k] + r1[3 * x + k] + r1[3 * x + 3 + k]);
            const double luma = 0.299 * s[0] + 0.587 * s[1] + 0.114 * s[2];
            const std::size_t i = static_cast<std::size_t>(yy / 2) * cstride + x / 2;
            c.cb[i] = clampByte(128.0 + (s[2] - luma) / 1.772 * 224.0 / 255.0);
            c.cr[i] = clampByte(128.0 + (s[0] - luma) / 1.402 * 224.0 / 255.0);
        }
    }
    pending_ = true;
}

void OggTheoraEncoder::encodePending(bool last)
{
    Codec& c = *codec_;
    if (th_encode_ycbcr_in(c.encoder, c.planes) != 0)
        throw std::runtime_error(path_ + ": the Theora codec refused a frame");
    ogg_packet packet;
    int r;
    while ((r = th_encode_packetout(c.encoder, last ? 1 : 0, &packet)) > 0)
        ogg_stream_packetin(&c.stream, &packet);
    if (r < 0)
        throw std::runtime_error(path_ + ": Theora encoding failed");
    writePages(false);
    pending_ = false;
}

void OggTheoraEncoder::writePages(bool flush)
{
    Codec& c = *codec_;
    ogg_page page;
    while (flush ? ogg_stream_flush(&c.stream, &page) : ogg_stream_pageout(&c.stream, &page)) {
        write(page.header, page.header_len);
        write(page.body, page.body_len);
    }
}

void OggTheoraEncoder::write(const unsigned char* data, long n)
{
    if (n > 0 && std::fwrite(data, 1, static_cast<std::size_t>(n), file_) != static_cast<std::size_t>(n))
        throw std::runtime_error(path_ + ": cannot write: " + std::strerror(errno));
}

void OggTheoraEncoder::finish()
{
    if (!file_)
        throw std::runtime_error(path_ + ": the movie is already closed");
    if (pending_)
        encodePending(true);
    writePages(true);
    std::FILE* f = file_;
    file_ = nullptr;
    if (std::fclose(f) != 0)
        throw std::runtime_error(path_ + ": cannot write: " + std::strerror(errno));
}

void OggTheoraEncoder::abandon()
{
    if (file_) {
        std::fclose(file_);
        file_ = nullptr;
    }
    pending_ = false;
}

} // namespace rfx::render
