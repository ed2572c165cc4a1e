# Generates a register-blocking test shader for tools/bench/loads/run.sh:
# NW weight vec4s (RGBA32F texel fetches) x NX pixels per invocation, the
# pixels as scalar R32F fetches or (XV=1) RGBA32F fetches; 1024 steps.
import sys
NW=int(sys.argv[1]); NX=int(sys.argv[2]); XV=int(sys.argv[3])
L=[]
L.append("""#version 450
layout(local_size_x=64) in;
layout(std430, binding=1) buffer O { float o[]; };
layout(binding=2) uniform samplerBuffer t;
layout(binding=4) uniform samplerBuffer t4;
void main(){
  uint g = gl_GlobalInvocationID.x;
  int base = int((g * 4u) & 0xFFFFu);""")
for w in range(NW):
  for p in range(NX): L.append("  vec4 a%d_%d = vec4(0.0);"%(w,p))
L.append("  for (int i = 0; i < 1024; i++) {")
for w in range(NW): L.append("    vec4 w%d = texelFetch(t4, i * %d + %d);"%(w,NW,w))
if XV:
  for q in range(NX//4): L.append("    vec4 xv%d = texelFetch(t4, (base >> 2) + i * 16 + %d);"%(q,q))
  for p in range(NX): L.append("    float x%d = xv%d[%d];"%(p,p//4,p%4))
else:
  for p in range(NX): L.append("    float x%d = texelFetch(t, base + i * 64 + %d).r;"%(p,p))
for p in range(NX):
  for w in range(NW): L.append("    a%d_%d += x%d * w%d;"%(w,p,p,w))
L.append("  }\n  vec4 s = vec4(0.0);")
for w in range(NW):
  for p in range(NX): L.append("  s += a%d_%d;"%(w,p))
L.append("  o[g] = s.x + s.y + s.z + s.w;\n}")
print("\n".join(L))
