/** Typed, validated configuration types shared by every module of the appliance. */
package io.appliance.config;
