"""Products, their files and dissemination activities."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from bpu.downloads import private_download, stored_file_response
from units.access import Perm, get_unit_access
from units.forms import form_errors_from

from .. import services
from ..forms import DisseminationForm, ProductFileForm, ProductForm
from ..models import Dissemination, Product, ProductFile
from ._common import _form_page, _url


@login_required
def products(request, slug):
    access = get_unit_access(request.user, slug, Perm.VIEW)
    unit = access.unit
    return render(
        request,
        "phases/products.html",
        {
            "unit": unit,
            "access": access,
            "products": Product.objects.filter(unit=unit).prefetch_related("files"),
            "disseminations": Dissemination.objects.filter(unit=unit).select_related("product"),
        },
    )


@login_required
def product_edit(request, slug, pk=None):
    access = get_unit_access(request.user, slug, Perm.MANAGE_PHASE)
    product = get_object_or_404(Product, pk=pk, unit=access.unit) if pk else None
    form = ProductForm(request.POST or None, instance=product)
    if request.method == "POST" and form.is_valid():
        if product:
            product = services.product_update(product=product, **form.cleaned_data)
        else:
            product = services.product_create(
                unit=access.unit, actor=request.user, **form.cleaned_data
            )
        messages.success(request, _("The product is saved."))
        return redirect(_url("product_detail", access.unit, pk=product.pk))
    return _form_page(
        request,
        access,
        form,
        title=_("Edit product") if product else _("New product"),
        back_url=_url("products", access.unit),
    )


@login_required
def product_detail(request, slug, pk):
    perm = Perm.MANAGE_PHASE if request.method == "POST" else Perm.VIEW
    access = get_unit_access(request.user, slug, perm)
    product = get_object_or_404(Product, pk=pk, unit=access.unit)
    form = ProductFileForm(request.POST or None, request.FILES or None)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                services.product_file_add(
                    product=product, actor=request.user, upload=form.cleaned_data["file"]
                )
            except ValidationError as exc:
                form.add_error("file", exc.messages)
            else:
                messages.success(request, _("The file is added."))
                return redirect(_url("product_detail", access.unit, pk=pk))
        status = 400
    return render(
        request,
        "phases/product_detail.html",
        {
            "unit": access.unit,
            "access": access,
            "product": product,
            "files": product.files.select_related("uploaded_by"),
            "form": form,
        },
        status=status,
    )


@login_required
@require_POST
def product_delete(request, slug, pk):
    access = get_unit_access(request.user, slug, Perm.MANAGE_PHASE)
    services.product_delete(product=get_object_or_404(Product, pk=pk, unit=access.unit))
    messages.success(request, _("The product is deleted."))
    return redirect(_url("products", access.unit))


@private_download
@login_required
def product_file_download(request, slug, pk):
    access = get_unit_access(request.user, slug, Perm.VIEW)
    product_file = get_object_or_404(ProductFile, pk=pk, product__unit=access.unit)
    return stored_file_response(
        product_file.file,
        filename=product_file.original_name,
        content_type=product_file.content_type,
    )


@login_required
@require_POST
def product_file_delete(request, slug, pk):
    access = get_unit_access(request.user, slug, Perm.MANAGE_PHASE)
    product_file = get_object_or_404(ProductFile, pk=pk, product__unit=access.unit)
    product_pk = product_file.product_id
    services.product_file_delete(product_file=product_file)
    messages.success(request, _("The file is deleted."))
    return redirect(_url("product_detail", access.unit, pk=product_pk))


@login_required
def dissemination_edit(request, slug, pk=None):
    access = get_unit_access(request.user, slug, Perm.MANAGE_PHASE)
    activity = get_object_or_404(Dissemination, pk=pk, unit=access.unit) if pk else None
    form = DisseminationForm(request.POST or None, instance=activity, unit=access.unit)
    if request.method == "POST" and form.is_valid():
        try:
            if activity:
                services.dissemination_update(activity=activity, **form.cleaned_data)
            else:
                services.dissemination_create(unit=access.unit, **form.cleaned_data)
        except ValidationError as exc:
            form_errors_from(form, exc)
        else:
            messages.success(request, _("The dissemination activity is saved."))
            return redirect(_url("products", access.unit) + "#dissemination")
    return _form_page(
        request,
        access,
        form,
        title=_("Edit dissemination activity") if activity else _("New dissemination activity"),
        back_url=_url("products", access.unit),
    )


@login_required
@require_POST
def dissemination_delete(request, slug, pk):
    access = get_unit_access(request.user, slug, Perm.MANAGE_PHASE)
    activity = get_object_or_404(Dissemination, pk=pk, unit=access.unit)
    services.dissemination_delete(activity=activity)
    messages.success(request, _("The dissemination activity is deleted."))
    return redirect(_url("products", access.unit) + "#dissemination")
