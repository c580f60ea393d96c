export * from './camera.ts';
export * from './hit_index.ts';
export * from './navigation.ts';
export * from './palette.ts';
export * from './scene.ts';
export * from './seat_state.ts';
export * from './wire.ts';
