"""API of the kernel: /api/v1/core/… (background jobs of the caller)."""

from django.shortcuts import get_object_or_404
from django.urls import path
from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.response import Response
from rest_framework.views import APIView

from .jobs import job_progress
from .models import Job


class JobSerializer(serializers.ModelSerializer):
    done = serializers.IntegerField()
    total = serializers.IntegerField()
    message = serializers.CharField()

    class Meta:
        model = Job
        fields = [
            "id",
            "kind",
            "status",
            "created_at",
            "started_at",
            "finished_at",
            "done",
            "total",
            "message",
            "result",
            "error",
        ]


class JobDetail(APIView):
    """A background job started by the caller, with its progress and outcome."""

    @extend_schema(responses=JobSerializer)
    def get(self, request, pk):
        qs = Job.objects.all() if request.user.is_superuser else Job.objects.filter(created_by=request.user)
        job = get_object_or_404(qs, pk=pk)
        p = job_progress(job)
        job.done, job.total, job.message = p.done, p.total, p.message
        return Response(JobSerializer(job).data)


urlpatterns = [path("jobs/<int:pk>/", JobDetail.as_view(), name="api-job")]
