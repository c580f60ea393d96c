export * from './camera.ts';
export * from './hit_index.ts';
export * from './navigation.ts';
export * from './palette.ts';
export type { Highlight, RendererKind, SeatBatching } from './render/renderer.ts';
export * from './scene.ts';
export { SeatMapView, type SeatMapViewOptions } from './seat_map_view.ts';
export * from './seat_state.ts';
export * from './wire.ts';
