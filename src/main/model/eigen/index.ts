/** The eigen-embedding f of DESA and the float64 non-symmetric eigensolver behind it. */
export { eigNonSymmetric, type ComplexEigenDecomposition } from './nonsymmetric-eig.js';
export { eigenEmbedding, eigenspaceOf, type Eigenspace } from './eigenspace.js';
