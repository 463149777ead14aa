"""Tests of the template: its rules, its bakes, and the projects and images it generates."""
