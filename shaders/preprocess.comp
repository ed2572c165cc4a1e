#version 450
// Raw video frame -> network input: colour conversion (packed RGB family;
// planar, semi-planar and packed YUV at 4:2:0, 4:2:2 or 4:4:4; grey; 8-bit
// or 16-bit little-endian samples), bilinear resize (stretch, centre crop
// or letterbox: a dst->src affine map and the dst box the picture covers),
// channel order and normalisation. One invocation writes PIXELS
// neighbouring pixels of a row in every channel. The frames are bytes in
// binding 2, packed one after the other: the whole batch in the upload
// buffer, or one frame read where it lies.
#include "common.glsl"

layout(std430, binding = 2) readonly buffer Frames { uint frame[]; };

// 0 packed RGB, 1 planar YUV, 2 semi-planar YUV, 3 grey, 4 packed YUV 4:2:2
layout(constant_id = 0) const uint KIND = 0;
layout(constant_id = 1) const uint BPP = 3;       // packed RGB
// Positions. Packed RGB: the bytes of R, G, B in a pixel. Packed YUV: of Y0,
// U, V in the word of two pixels. Semi-planar: POS1 and POS2, the samples
// of U and V in a chroma pair.
layout(constant_id = 2) const uint POS0 = 0;
layout(constant_id = 3) const uint POS1 = 1;
layout(constant_id = 4) const uint POS2 = 2;
layout(constant_id = 5) const uint SRC_W = 1;
layout(constant_id = 6) const uint SRC_H = 1;
layout(constant_id = 7) const uint PLANE0 = 0;    // byte offsets in a frame
layout(constant_id = 8) const uint PLANE1 = 0;    // planar: U; semi-planar: UV
layout(constant_id = 9) const uint PLANE2 = 0;    // planar: V
layout(constant_id = 10) const uint STRIDE0 = 0;  // bytes per row
layout(constant_id = 11) const uint STRIDE1 = 0;
layout(constant_id = 12) const uint STRIDE2 = 0;
layout(constant_id = 13) const uint FRAME_BYTES = 0;
layout(constant_id = 14) const uint N = 1;
layout(constant_id = 15) const uint C = 3;
layout(constant_id = 16) const uint DST_H = 1;
layout(constant_id = 17) const uint DST_W = 1;
layout(constant_id = 18) const uint OUT_OFF = 0;
layout(constant_id = 19) const uint OUT_BSTRIDE = 0;
layout(constant_id = 20) const float MAP_SX = 1.0;
layout(constant_id = 21) const float MAP_SY = 1.0;
layout(constant_id = 22) const float MAP_OX = 0.0;
layout(constant_id = 23) const float MAP_OY = 0.0;
layout(constant_id = 24) const uint BOX_X0 = 0;
layout(constant_id = 25) const uint BOX_Y0 = 0;
layout(constant_id = 26) const uint BOX_X1 = 1;
layout(constant_id = 27) const uint BOX_Y1 = 1;
layout(constant_id = 28) const float SCALE0 = 1.0;
layout(constant_id = 29) const float SCALE1 = 1.0;
layout(constant_id = 30) const float SCALE2 = 1.0;
layout(constant_id = 31) const float BIAS0 = 0.0;
layout(constant_id = 32) const float BIAS1 = 0.0;
layout(constant_id = 33) const float BIAS2 = 0.0;
layout(constant_id = 34) const uint BGR = 0;
layout(constant_id = 35) const float KR = 0.299;
layout(constant_id = 36) const float KB = 0.114;
layout(constant_id = 37) const uint FULL_RANGE = 0;
layout(constant_id = 38) const uint CSX = 1;      // chroma subsampling, log2
layout(constant_id = 39) const uint CSY = 1;
// YUV and grey: bytes per sample (1 or 2, little-endian) and the factor
// that takes a 2-byte sample to 8-bit levels.
layout(constant_id = 40) const uint SAMPLE_BYTES = 1;
layout(constant_id = 41) const float SAMPLE_SCALE = 1.0;
// Pixels per invocation: 1, or 4 stored as one vec4 per channel where
// every row starts on a vec4 (on llvmpipe every store is a loop over the
// lanes, and the row's share of the work is done once for 4 pixels).
layout(constant_id = 42) const uint PIXELS = 1;

// The batch item of the first frame in binding 2: 0 for the upload buffer,
// k for frame k imported on its own (one dispatch per frame).
layout(push_constant) uniform Params { uint first; } params;

// Sample k of a row within the word that holds it: rows start on words
// (frame.c lays every plane out so, and frames read in place must match),
// so a sample's place in its word follows from k alone.
float sample_in(uint word, uint k)
{
  if (SAMPLE_BYTES == 1u)
    return float((word >> ((k & 3u) * 8u)) & 0xffu);
  return float((word >> ((k & 1u) * 16u)) & 0xffffu) * SAMPLE_SCALE;
}

// The index of the word that holds sample k of the row at byte address row.
uint word_index(uint row, uint k)
{
  return (row + k * SAMPLE_BYTES) >> 2;
}

// Words i0 and i1 of the frame (i1 = i0 or a later word): one load where
// they are the same word. A tap pair's two pixels mostly share their
// words, and on llvmpipe every load is a loop over the lanes.
uvec2 word_pair(uint i0, uint i1)
{
  uint w0 = frame[i0];
  uint w1 = w0;
  if (i1 != i0)
    w1 = frame[i1];
  return uvec2(w0, w1);
}

// Samples k0 and k1 (k0 or k0 + 1) of a row.
vec2 sample_pair(uint row, uint k0, uint k1)
{
  uvec2 w = word_pair(word_index(row, k0), word_index(row, k1));
  return vec2(sample_in(w.x, k0), sample_in(w.y, k1));
}

vec3 yuv_to_rgb(float y, float u, float v)
{
  float yy, uu, vv;
  if (FULL_RANGE != 0) {
    yy = y / 255.0;
    uu = (u - 128.0) / 255.0;
    vv = (v - 128.0) / 255.0;
  } else {
    yy = (y - 16.0) / 219.0;
    uu = (u - 128.0) / 224.0;
    vv = (v - 128.0) / 224.0;
  }
  float r = yy + 2.0 * (1.0 - KR) * vv;
  float b = yy + 2.0 * (1.0 - KB) * uu;
  float g = (yy - KR * r - KB * b) / (1.0 - KR - KB);
  return clamp(vec3(r, g, b) * 255.0, 0.0, 255.0);
}

// Byte k (0 to 11) of the words w0, w1, w2, in that order.
float byte_of3(uint w0, uint w1, uint w2, uint k)
{
  uint w = k < 4u ? w0 : k < 8u ? w1 : w2;
  return float((w >> ((k & 3u) * 8u)) & 0xffu);
}

// Packed RGB pixels x0 and x1 (x0 or x0 + 1) of the row at byte address
// row, as a and b: the 3 to 8 bytes they span, from the one to three words
// that hold them (3-byte pixels: two or three loads a pair instead of two
// to four pixel by pixel). No word past the pair's last byte is read: it
// may lie past the frame.
void packed_rgb_pair(uint row, uint x0, uint x1, out vec3 a, out vec3 b)
{
  uint p = row + x0 * BPP;
  uint s = p & 3u;
  uint last = s + (x1 - x0 + 1u) * BPP - 1u;    // from word p / 4's start
  uint w0 = frame[p >> 2];
  uint w1 = w0, w2 = w0;
  if (last >= 4u)
    w1 = frame[(p >> 2) + 1u];
  if (last >= 8u)
    w2 = frame[(p >> 2) + 2u];
  uint q = s + (x1 - x0) * BPP;    // x1's first byte
  a = vec3(byte_of3(w0, w1, w2, s + POS0), byte_of3(w0, w1, w2, s + POS1),
      byte_of3(w0, w1, w2, s + POS2));
  b = vec3(byte_of3(w0, w1, w2, q + POS0), byte_of3(w0, w1, w2, q + POS1),
      byte_of3(w0, w1, w2, q + POS2));
}

// Packed YUV 4:2:2: pixel x of its row's word x / 2, whose two pixels
// share U and V.
vec3 packed_yuv(uint word, uint x)
{
  return yuv_to_rgb(byte_of3(word, word, word, POS0 + (x & 1u) * 2u),
      byte_of3(word, word, word, POS1), byte_of3(word, word, word, POS2));
}

// U and V of chroma samples cx0 and cx1 (cx0 or cx0 + 1) of chroma row
// cy, as (u0, u1, v0, v1).
vec4 chroma_pair(uint base, uint cx0, uint cx1, uint cy)
{
  if (KIND == 1)
    return vec4(sample_pair(base + PLANE1 + cy * STRIDE1, cx0, cx1),
        sample_pair(base + PLANE2 + cy * STRIDE2, cx0, cx1));
  // Semi-planar: a block's U and V share a word (two bytes at an even
  // offset, or two 16-bit samples at a multiple of 4).
  uint row = base + PLANE1 + cy * STRIDE1;
  uvec2 w = word_pair(word_index(row, cx0 * 2u), word_index(row, cx1 * 2u));
  return vec4(sample_in(w.x, cx0 * 2u + POS1), sample_in(w.y, cx1 * 2u + POS1),
      sample_in(w.x, cx0 * 2u + POS2), sample_in(w.y, cx1 * 2u + POS2));
}

// Pixels x0 and x1 (x0 or x0 + 1) of source row y, as a and b, each word
// they share read once (loads are most of the conversion's time). The
// chroma of a pixel is its block's sample (no interpolation between them).
void pixel_pair(uint base, uint x0, uint x1, uint y, out vec3 a, out vec3 b)
{
  uint row = base + PLANE0 + y * STRIDE0;
  if (KIND == 0) {
    packed_rgb_pair(row, x0, x1, a, b);
    return;
  }
  if (KIND == 4) {
    uvec2 w = word_pair((row >> 2) + (x0 >> 1), (row >> 2) + (x1 >> 1));
    a = packed_yuv(w.x, x0);
    b = packed_yuv(w.y, x1);
    return;
  }
  vec2 luma = sample_pair(row, x0, x1);
  if (KIND == 3) {
    a = vec3(luma.x);
    b = vec3(luma.y);
    return;
  }
  vec4 uv = chroma_pair(base, x0 >> CSX, x1 >> CSX, y >> CSY);
  a = yuv_to_rgb(luma.x, uv.x, uv.z);
  b = yuv_to_rgb(luma.y, uv.y, uv.w);
}

// Dst pixel x of a row whose source rows y0 and y1 are mixed by wy, in
// the network's channel order and normalised (channel 0 only for a
// one-channel network).
vec3 convert(uint base, uint x, uint y0, uint y1, float wy)
{
  // Pixel centres aligned: dst centre x + 0.5 maps to src centre u + 0.5.
  float u = clamp(MAP_OX + (float(x - BOX_X0) + 0.5) * MAP_SX - 0.5, 0.0, float(SRC_W - 1));
  uint x0 = uint(u);
  uint x1 = min(x0 + 1u, SRC_W - 1u);
  float wx = u - float(x0);
  vec3 p00, p10, p01, p11;
  pixel_pair(base, x0, x1, y0, p00, p10);
  pixel_pair(base, x0, x1, y1, p01, p11);
  vec3 top = mix(p00, p10, wx);
  vec3 bottom = mix(p01, p11, wx);
  vec3 rgb = mix(top, bottom, wy);

  if (C == 1)
    return vec3(dot(rgb, vec3(0.299, 0.587, 0.114)) * SCALE0 + BIAS0, 0.0, 0.0);
  vec3 ordered = BGR != 0 ? rgb.bgr : rgb;
  return ordered * vec3(SCALE0, SCALE1, SCALE2) + vec3(BIAS0, BIAS1, BIAS2);
}

void main()
{
  uint x = gl_GlobalInvocationID.x * PIXELS;
  uint y = gl_GlobalInvocationID.y;
  uint n = gl_GlobalInvocationID.z;    // frame in binding 2
  if (x >= DST_W || y >= DST_H || n + params.first >= N)
    return;

  uint out_base = OUT_OFF + (n + params.first) * OUT_BSTRIDE + y * DST_W + x;
  const uint PLANE = DST_H * DST_W;
  float v = clamp(MAP_OY + (float(y - BOX_Y0) + 0.5) * MAP_SY - 0.5, 0.0, float(SRC_H - 1));
  uint y0 = uint(v);
  uint y1 = min(y0 + 1u, SRC_H - 1u);
  float wy = v - float(y0);
  uint base = n * FRAME_BYTES;
  bool row_in = y >= BOX_Y0 && y < BOX_Y1;

  // Letterbox bars hold the mean: 0 after normalisation.
  vec3 px[4] = vec3[4](vec3(0.0), vec3(0.0), vec3(0.0), vec3(0.0));
  for (uint i = 0; i < PIXELS; i++)
    if (row_in && x + i >= BOX_X0 && x + i < BOX_X1)
      px[i] = convert(base, x + i, y0, y1, wy);

  for (uint c = 0; c < C; c++) {
    if (PIXELS == 4u)
      ST4((out_base + c * PLANE) >> 2, vec4(px[0][c], px[1][c], px[2][c], px[3][c]));
    else
      ST(out_base + c * PLANE, px[0][c]);
  }
}
