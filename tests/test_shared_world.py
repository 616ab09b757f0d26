"""The world is built once a module and shared; each test still starts from it as built."""

from audits.models import Visit
from branches.models import Store


def test_a_test_may_change_the_world_in_memory_and_in_the_database(world):
    world.bund.name = "改过的名字"
    world.bund.save(update_fields=["name"])
    Visit.objects.filter(pk=world.pending_bund_visit.pk).delete()
    world.hq.first_name = "Changed"


def test_the_next_test_finds_the_world_as_it_was_built(world):
    assert world.bund.name == "上海外滩餐厅"
    assert Store.objects.get(pk=world.bund.pk).name == "上海外滩餐厅"
    assert Visit.objects.filter(pk=world.pending_bund_visit.pk).exists()
    assert world.hq.first_name != "Changed"
