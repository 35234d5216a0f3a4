/**
 * roslib, the standard rosbridge client, typed: values from the package, types from
 * roslib-api.ts (roslib's own .d.ts does not resolve under NodeNext). Import roslib from here.
 */
import * as runtime from 'roslib';
import type * as Api from './roslib-api.ts';

const lib = runtime as unknown as typeof Api;

export const Ros = lib.Ros;
export type Ros = Api.Ros;
export const Topic = lib.Topic;
export type Topic<T = unknown> = Api.Topic<T>;
export const Service = lib.Service;
export type Service<TRequest = unknown, TResponse = unknown> = Api.Service<TRequest, TResponse>;
export const Action = lib.Action;
export type Action<TGoal = unknown, TFeedback = unknown, TResult = unknown> = Api.Action<TGoal, TFeedback, TResult>;
export const Param = lib.Param;
export type Param<T = unknown> = Api.Param<T>;
export const REVISION = lib.REVISION;
export type { RosbridgeMessage, RosbridgeStatusMessage, TopicOptions, TransportEvent } from './roslib-api.ts';
