import { describe, expect, it } from 'vitest';
import { ProgramSchema } from '../../core/program.ts';
import { parseWith } from '../../core/read.ts';

const kp = (extra: object = {}) => ({ position: [0, 0.2, 0.2], quaternion: [1, 0, 0, 0], gripper: 1, ...extra });

describe('program schema', () => {
  it('accepts a valid program and defaults the frame', () => {
    const p = parseWith(ProgramSchema, { version: 1, arms: { left: [kp({ sync: 'a' })], right: [kp({ sync: 'a' })] } }, 'p.json');
    expect(p.frame).toBe('world');
  });
  it('names the offending field', () => {
    expect(() => parseWith(ProgramSchema, { version: 1, arms: { left: [kp({ gripper: 2 })], right: [] } }, 'p.json')).toThrow(/p\.json: invalid arms\.left\[0\]\.gripper/);
    expect(() => parseWith(ProgramSchema, { version: 1, arms: { left: [kp({ quaternion: [0, 0, 0, 2] })], right: [] } }, 'p.json')).toThrow(/quaternion/);
  });
  it('rejects other versions with a clear message', () => {
    expect(() => parseWith(ProgramSchema, { version: 2, arms: { left: [], right: [] } }, 'p.json')).toThrow(/version.*reads version 1/);
  });
  it('rejects sync labels that would deadlock', () => {
    expect(() => parseWith(ProgramSchema, { version: 1, arms: { left: [kp({ sync: 'a' }), kp({ sync: 'b' })], right: [kp({ sync: 'b' }), kp({ sync: 'a' })] } }, 'p.json')).toThrow(/sync labels differ/);
    expect(() => parseWith(ProgramSchema, { version: 1, arms: { left: [kp({ sync: 'a' })], right: [] } }, 'p.json')).toThrow(/sync labels differ/);
  });
});
