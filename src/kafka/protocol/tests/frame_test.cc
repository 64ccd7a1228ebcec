#include "kafka/protocol/frame.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cstring>

#include "kafka/protocol/errc.h"

namespace eddy::kafka::protocol {
namespace {

TEST(frame, split_complete_and_incomplete) {
    bytes in{0, 0, 0, 2, 'a', 'b', 0, 0};
    auto f = split_frame(in);
    ASSERT_TRUE(f && f->has_value());
    EXPECT_EQ((*f)->consumed, 6u);
    EXPECT_EQ(as_string_view((*f)->payload), "ab");
    for (size_t n = 0; n < 6; ++n) {
        auto part = split_frame(bytes_view(in).first(n));
        ASSERT_TRUE(part);
        EXPECT_FALSE(part->has_value()) << n;
    }
}

TEST(frame, size_limits) {
    bytes big{0x06, 0x40, 0x00, 0x01};  // 100 MiB + 1
    auto f = split_frame(big);
    ASSERT_FALSE(f);
    EXPECT_EQ(f.error().code, make_error_code(errc::frame_too_large));
    EXPECT_NE(f.error().message().find("104857601"), std::string::npos);
    bytes exact{0x06, 0x40, 0x00, 0x00};
    auto ok = split_frame(exact);
    ASSERT_TRUE(ok);
    EXPECT_FALSE(ok->has_value());  // legal, just incomplete
    EXPECT_FALSE(split_frame(bytes{0, 0, 0, 9}, 8));
    auto neg = split_frame(bytes{0xff, 0xff, 0xff, 0xff});
    ASSERT_FALSE(neg);
    EXPECT_EQ(neg.error().code, make_error_code(errc::malformed));
}

TEST(frame, splitter_yields_frames_across_appends) {
    frame_splitter s(16);
    bytes stream{0, 0, 0, 1, 'x', 0, 0, 0, 0, 0, 0, 0, 3, 'a', 'b', 'c'};
    std::vector<std::string> got;
    for (uint8_t byte : stream) {  // one byte at a time: the worst case for reassembly
        s.append(bytes_view(&byte, 1));
        for (;;) {
            auto n = s.next();
            ASSERT_TRUE(n);
            if (!n->has_value()) break;
            got.emplace_back(as_string_view(**n));
        }
    }
    EXPECT_EQ(got, (std::vector<std::string>{"x", "", "abc"}));
    EXPECT_EQ(s.buffered(), 0u);
}

// A frame's bytes: size prefix, then n bytes counting up from `seed`.
bytes numbered_frame(size_t n, uint8_t seed) {
    bytes out;
    append_be<int32_t>(out, static_cast<int32_t>(n));
    for (size_t i = 0; i < n; ++i) out.push_back(static_cast<uint8_t>(seed + i));
    return out;
}

TEST(frame, large_frames_are_read_straight_into_their_own_buffer) {
    frame_splitter s;
    // A small frame, a large one (direct), one above the direct limit (accumulated), and a small one, in
    // one stream fed through prepare/commit in uneven pieces.
    const std::vector<size_t> sizes{10, 200 * 1024, frame_splitter::direct_max + 1, 3};
    bytes stream;
    for (size_t i = 0; i < sizes.size(); ++i) {
        auto f = numbered_frame(sizes[i], static_cast<uint8_t>(i * 50));
        stream.insert(stream.end(), f.begin(), f.end());
    }
    std::vector<byte_buffer> got;
    size_t fed = 0;
    size_t step = 1;
    const uint8_t* direct_buffer = nullptr;
    while (fed < stream.size()) {
        auto room = s.prepare();
        ASSERT_FALSE(room.empty());
        size_t n = std::min({room.size(), stream.size() - fed, step});
        std::memcpy(room.data(), stream.data() + fed, n);
        s.commit(n);
        fed += n;
        step = step * 3 + 7;  // 1, 10, 37, ... bytes per read
        if (got.size() == 1) direct_buffer = room.data();  // the last read before the large frame completes
        for (;;) {
            auto f = s.next();
            ASSERT_TRUE(f);
            if (!f->has_value()) break;
            got.push_back(std::move(**f));
        }
    }
    ASSERT_EQ(got.size(), sizes.size());
    for (size_t i = 0; i < sizes.size(); ++i) {
        auto want = numbered_frame(sizes[i], static_cast<uint8_t>(i * 50));
        EXPECT_TRUE(std::equal(got[i].begin(), got[i].end(), want.begin() + 4, want.end())) << "frame " << i;
    }
    // The large frame was read into the buffer handed over, not copied out of the shared one.
    ASSERT_NE(direct_buffer, nullptr);
    EXPECT_GE(direct_buffer, got[1].data());
    EXPECT_LE(direct_buffer, got[1].data() + got[1].size());
    EXPECT_EQ(s.buffered(), 0u);
}

TEST(frame, splitter_stays_failed) {
    frame_splitter s(4);
    s.append(bytes{0, 0, 0, 5});
    EXPECT_FALSE(s.next());
    s.append(bytes{0, 0, 0, 0});
    EXPECT_FALSE(s.next());
}

TEST(frame, begin_end_frame) {
    bytes out{9};
    size_t at = begin_frame(out);
    out.push_back('q');
    out.push_back('r');
    ASSERT_TRUE(end_frame(out, at));
    EXPECT_EQ(out, (bytes{9, 0, 0, 0, 2, 'q', 'r'}));
}

}  // namespace
}  // namespace eddy::kafka::protocol
