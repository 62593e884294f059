"""Leaderboards across tables, and a new method placed among reference results."""
