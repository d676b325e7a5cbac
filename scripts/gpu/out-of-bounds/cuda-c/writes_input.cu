// expect: failed | wrote to input x: 
// Every element of z right, then x cleared: const is no protection once cast away.
extern "C" __global__ void vector_add(const float* x, const float* y, float* z, int n)
{
    int i = blockIdx.x * blockDim.x + threadIdx.x;
    if (i < n) {
        z[i] = x[i] + y[i];
        const_cast<float*>(x)[i] = 0.0f;
    }
}
