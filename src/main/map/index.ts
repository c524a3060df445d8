/**
 * Map explorer core: embedding matrices, ANN similarity search, UMAP layouts, lasso/rectangle
 * selection and named subsets. See docs/decisions/map.md.
 */
export { loadEmbeddingMatrix, makeMatrix, matrixHash, centroidOf, rowOf, rowCount, mapCacheDir, starRowIndex, type EmbeddingMatrix } from './matrix';
export { AnnIndex, bruteForceSearch, distanceToRow, type AnnOptions, type Neighbour, type KnnResult, type VectorMatrix } from './ann';
export { computeUmap, projectUmap, layoutCacheFile, resolveUmapOptions, knnGraph, type UmapOptions, type UmapProgress, type UmapHooks, type UmapLayout } from './umap';
export { fuzzySimplicialSet, smoothKnnDistances, type CsrGraph } from './fuzzy-graph';
export { findAbParams, optimizeLayout } from './layout-sgd';
export {
  selectRectangle, selectLasso, pointInPolygon, PointGrid, toSelection, union, intersection, difference, NamedSubsets,
  type Rect, type SubsetOperation,
} from './select';
export { mulberry32, gaussian, sampleIndices } from './random';
